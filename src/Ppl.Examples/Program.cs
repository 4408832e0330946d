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
    command.SetAction(parse => example.Run(new ExampleOptions(parse.GetValue(seed), parse.GetValue(smoke)), Console.Out));
    root.Subcommands.Add(command);
}

return root.Parse(args).Invoke();
