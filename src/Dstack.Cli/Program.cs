using Dstack.Cli;
using Dstack.Cli.Commands;

// The controller (started by `dstack run`, never by people) skips building the command tree: it is on the path of every run's start.
return args is ["controller"] ? await ControllerCommandLine.RunAsync() : await DstackCommandLine.RunAsync(args, Console.Out, Console.Error);
