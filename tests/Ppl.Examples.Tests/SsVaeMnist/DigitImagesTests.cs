using Ppl.Examples.SsVaeMnist;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.SsVaeMnist;

public sealed class DigitImagesTests
{
    [Fact]
    public void The_same_number_of_labels_is_kept_per_digit_and_the_others_are_unreadable()
    {
        using var scope = NewDisposeScope();
        var digits = tensor(Enumerable.Range(0, 200).Select(i => (long)((i * 7) % 10)).ToArray());
        var data = DigitImages.SemiSupervised(zeros(200, 4), digits, perClass: 3, seed: 11);

        var labelled = data.Labelled.data<bool>().ToArray();
        var kept = data.Digits.data<long>().ToArray();
        var truth = digits.data<long>().ToArray();
        Assert.Equal(30, data.LabelledCount);
        for (int digit = 0; digit < 10; digit++)
        {
            Assert.Equal(3, Enumerable.Range(0, 200).Count(i => labelled[i] && truth[i] == digit));
        }

        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(labelled[i] ? truth[i] : 0, kept[i]));
        // the choice is the seed's: the same again, another with another seed
        Assert.Equal(labelled, DigitImages.SemiSupervised(zeros(200, 4), digits, 3, seed: 11).Labelled.data<bool>().ToArray());
        Assert.NotEqual(labelled, DigitImages.SemiSupervised(zeros(200, 4), digits, 3, seed: 12).Labelled.data<bool>().ToArray());
    }

    [Fact]
    public void Too_few_rows_of_a_digit_is_refused()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => DigitImages.SemiSupervised(zeros(10, 2), arange(10, dtype: ScalarType.Int64), perClass: 2, seed: 0));
        Assert.Equal(0, DigitImages.Unlabelled(zeros(5, 3)).LabelledCount);
    }
}
