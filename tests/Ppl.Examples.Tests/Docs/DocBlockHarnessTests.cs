namespace Ppl.Tests.Examples.Docs;

/// <summary>The harness itself: it finds blocks and markers, and its failures name the page, the line and the cause.</summary>
[Collection(DocBlockCollection.Name)]
public sealed class DocBlockHarnessTests
{
    [Fact]
    public void ReadsBlocksMarkersAndIndentedFences()
    {
        const string page = "Text.\n\n```sh\ndotnet run\n```\n\n<!-- fragment -->\n```csharp\nvar a = 1;\n```\n\n- item\n\n  <!-- fragment: continues -->\n  ```csharp\n  var b = a;\n  ```\n\n<!-- not-run: shows a trap -->\n```csharp\nx.sum(0);\n```\n";
        var blocks = DocBlockReader.Read("p.md", page);

        Assert.Equal(["p.md:8", "p.md:15", "p.md:20"], blocks.Select(b => b.Id));
        Assert.Equal([DocBlockKind.Fragment, DocBlockKind.Fragment, DocBlockKind.NotRun], blocks.Select(b => b.Kind));
        Assert.Equal("var b = a;", blocks[1].Code);
        Assert.Same(blocks[0], blocks[1].Continues);
        Assert.Equal("shows a trap", blocks[2].Note);
    }

    [Fact]
    public void AnUnknownMarkerFailsTheBlock()
    {
        var block = DocBlockReader.Read("p.md", "<!-- fragment: contiues -->\n```csharp\nvar a = 1;\n```\n").Single();
        Assert.Contains("p.md:2", DocBlockCheck.Failure(block));
        Assert.Contains("fragment: contiues", DocBlockCheck.Failure(block));
    }

    [Fact]
    public void ACompileErrorNamesThePageLine()
    {
        var block = DocBlockReader.Read("p.md", "Intro.\n\n```csharp\nvar d = new Normal(0.0, 1.0);\n```\n").Single();
        string failure = DocBlockCheck.Failure(block)!;
        Assert.Contains("p.md:3: the block does not compile", failure);
        Assert.Contains("p.md(4,13): error CS0246", failure); // Normal needs 'using Ppl.Distributions;'
        Assert.Contains("<!-- fragment -->", failure);
    }

    [Fact]
    public void PrintingWithoutUsingTorchSharpSaysSo()
    {
        var block = DocBlockReader.Read("p.md", "```csharp\nusing static TorchSharp.torch;\n\nConsole.WriteLine(ones(2).npstr());\n```\n").Single();
        Assert.Contains("add 'using TorchSharp;'", DocBlockCheck.Failure(block));
    }

    [Fact]
    public void AFragmentGetsThePplUsingsAndRuns()
    {
        var block = DocBlockReader.Read("p.md", "<!-- fragment -->\n```csharp\nvar d = new Normal(0.0, 1.0);\nConsole.WriteLine(d.Mean.item<float>());\n```\n").Single();
        string? failure = DocBlockCheck.Failure(block);
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void AContinuedFragmentSeesTheVariablesAndFunctionsAboveIt()
    {
        const string page = "```csharp\nusing Ppl.Distributions;\nstatic double Twice(double v) => 2 * v;\nvar d = new Normal(0.0, 1.0);\n```\n\n<!-- fragment: continues -->\n```csharp\nif (Twice(d.Scale.item<float>()) != 2) throw new InvalidOperationException(\"wrong\");\n```\n";
        var blocks = DocBlockReader.Read("p.md", page);
        string? failure = DocBlockCheck.Failure(blocks[1]);
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void AnExceptionNamesThePageLineItWasThrownFrom()
    {
        var block = DocBlockReader.Read("p.md", "<!-- fragment -->\n```csharp\nvar ok = 1;\n\nvar bad = tensor(1.0f).item<double>();\n```\n").Single();
        string failure = DocBlockCheck.Failure(block)!;
        Assert.Contains("p.md:5 (in the block at p.md:2) threw", failure);
        Assert.Contains("Float32", failure);
    }

    [Fact]
    public void PrintingTensorMetadataFails()
    {
        var block = DocBlockReader.Read("p.md", "<!-- fragment -->\n```csharp\nConsole.WriteLine(tensor(1.5f));\n```\n").Single();
        Assert.Contains("p.md:2: the block prints TorchSharp's metadata line '[], type = Float32, device = cpu'", DocBlockCheck.Failure(block));
    }

    [Fact]
    public void PrintingValuesPasses()
    {
        // str() prints the metadata line and then the values; npstr() and item() print values only
        var block = DocBlockReader.Read("p.md", "<!-- fragment -->\n```csharp\nConsole.WriteLine(tensor(new[] { 1.5f, 2f }).str());\nConsole.WriteLine(tensor(1.5f).str());\nConsole.WriteLine(ones(2, 2).str());\nConsole.WriteLine(ones(2, 2, 2).str());\nConsole.WriteLine(tensor(new[] { 1.5f, 2f }).npstr());\n```\n").Single();
        string? failure = DocBlockCheck.Failure(block);
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void TypesUsedByAContinuingBlockNeedNoRunOfTheirOwn()
    {
        const string page = "```csharp\nnamespace A;\n\npublic static class B\n{\n    public static int C() => 1;\n}\n```\n\n<!-- fragment: continues -->\n```csharp\nif (A.B.C() != 1) throw new InvalidOperationException();\n```\n";
        var blocks = DocBlockReader.Read("p.md", page);
        string? failure = DocBlockCheck.Failure(blocks[0], continuedLater: true) ?? DocBlockCheck.Failure(blocks[1]);
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void ABlockWithNothingToRunFails()
    {
        var block = DocBlockReader.Read("p.md", "```csharp\nnamespace A;\n\npublic static class B\n{\n    public static int C() => 1;\n}\n```\n").Single();
        Assert.Contains("p.md:1: the block has nothing to run", DocBlockCheck.Failure(block));
    }

    /// <summary>
    /// A page about an example (docs/examples/) may use the example's own code, which lives in
    /// src/Ppl.Examples since #17 moved course code out of the library; every other page compiles
    /// against the libraries only, as a user's project does.
    /// </summary>
    [Fact]
    public void OnlyExamplePagesSeeTheExamplesProject()
    {
        const string page = "<!-- fragment -->\n```csharp\nusing Ppl.Examples.GillespieScm.Kinetics;\n\nConsole.WriteLine(Cascade.SpeciesName(0));\n```\n";
        string? onExamplePage = DocBlockCheck.Failure(DocBlockReader.Read("docs/examples/p.md", page).Single());
        Assert.True(onExamplePage is null, onExamplePage);
        Assert.Contains("error CS0234", DocBlockCheck.Failure(DocBlockReader.Read("docs/p.md", page).Single()));
    }
}
