using Dstack.Cli;
using Dstack.Cli.Commands;
using Dstack.Cli.Runs;

// The controller (started by `dstack run`, never by people) skips building the command tree: it is on the path of every run's start.
// A native dstack has no controller in it: dstack-controller beside it is (Runs/ControllerBuild).
return args is ["controller"] && ControllerBuild.IsBuiltIn ? await ControllerCommandLine.RunAsync() : await DstackCommandLine.RunAsync(args, Console.Out, Console.Error);
