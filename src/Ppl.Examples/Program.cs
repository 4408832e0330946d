using System.CommandLine;
using Ppl.Examples;

var root = new RootCommand("Ppl examples: course models and demonstrations. `list` shows them.");

var list = new Command("list", "List the examples.");
list.SetAction(_ =>
{
    foreach (var example in ExampleCatalog.All)
    {
        Console.WriteLine($"{example.Name,-16} {example.Description}");
    }
});
root.Subcommands.Add(list);

foreach (var example in ExampleCatalog.All)
{
    var seed = new Option<long>("--seed") { Description = "Seed of every random draw.", DefaultValueFactory = _ => 0 };
    var smoke = new Option<bool>("--smoke") { Description = "Run a tiny version (what the tests run)." };
    var command = new Command(example.Name, example.Description) { seed, smoke };
    var own = new List<(ExampleOption Spec, Option<string> Option)>();
    var flags = new List<(ExampleOption Spec, Option<bool> Option)>();
    foreach (var spec in example.Options)
    {
        if (spec.IsFlag)
        {
            var flag = new Option<bool>("--" + spec.Name) { Description = spec.Description };
            command.Options.Add(flag);
            flags.Add((spec, flag));
            continue;
        }

        var option = new Option<string>("--" + spec.Name) { Description = spec.Description, DefaultValueFactory = _ => spec.Default };
        if (spec.Allowed is { } allowed)
        {
            option.AcceptOnlyFromAmong([.. allowed]);
        }

        command.Options.Add(option);
        own.Add((spec, option));
    }

    command.SetAction(parse =>
    {
        var extra = own.ToDictionary(o => o.Spec.Name, o => parse.GetValue(o.Option) ?? o.Spec.Default, StringComparer.Ordinal);
        foreach (var (spec, flag) in flags)
        {
            extra[spec.Name] = parse.GetValue(flag) ? "true" : spec.Default;
        }

        example.Run(new ExampleOptions(parse.GetValue(seed), parse.GetValue(smoke), extra), Console.Out);
    });
    root.Subcommands.Add(command);
}

return root.Parse(args).Invoke();
