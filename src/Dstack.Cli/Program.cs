using Dstack.Cli;

return await DstackCommandLine.RunAsync(args, Console.Out, Console.Error);
