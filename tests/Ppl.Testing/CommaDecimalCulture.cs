using System.Globalization;

namespace Ppl.Testing;

/// <summary>
/// Runs code with German as the current culture (a comma for the decimal point, a dot between
/// thousands), where anything formatted with the current culture instead of the invariant one prints
/// <c>1,5</c> for 1.5. Restores the culture after.
/// </summary>
public static class CommaDecimalCulture
{
    public static T Run<T>(Func<T> body)
    {
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Assert.Equal("1,5", 1.5.ToString(CultureInfo.CurrentCulture)); // the culture really is comma-decimal here
            return body();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui);
        }
    }
}
