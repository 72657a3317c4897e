// Runs inside the dstack job: dstack sets DSTACK_RUN_NAME, the configuration sets GREETING, and
// `dotnet build -t:DstackRun -p:DstackArgs="..."` becomes the arguments.
var greeting = Environment.GetEnvironmentVariable("GREETING") ?? "Hello";
var run = Environment.GetEnvironmentVariable("DSTACK_RUN_NAME") ?? "(not in a dstack run)";
Console.WriteLine($"{greeting} from {run}, on {Environment.ProcessorCount} cores.");
Console.WriteLine(args.Length == 0 ? "No arguments." : $"Arguments: {string.Join(" | ", args)}");
