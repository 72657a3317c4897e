using Dstack.Runtime.Runs;

// The controller of one run, started by a native `dstack run` as `dstack-controller controller` (ControllerProcess):
// it reads its run from standard input and runs it (ControllerMain). Nobody else calls it.
if (args is ["controller"])
{
    return await ControllerMain.RunAsync(ControllerMain.ProcessEnvironment());
}

await Console.Error.WriteLineAsync("dstack-controller: this program runs one run for `dstack run`, which starts it; run `dstack run` instead");
return 2;
