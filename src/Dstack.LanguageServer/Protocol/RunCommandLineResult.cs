namespace Dstack.LanguageServer.Protocol;

/// <summary>How to run a configuration in a terminal: the program, its arguments, where, and all of it as one shell line.</summary>
/// <param name="Command">Always <c>dstack</c>.</param>
/// <param name="Args">The arguments: <c>run . -f FILE</c> and any extra ones.</param>
/// <param name="Cwd">The folder to run it in (the run's code folder).</param>
/// <param name="CommandLine">The command and its arguments, quoted for a POSIX shell.</param>
public sealed record RunCommandLineResult(string Command, IReadOnlyList<string> Args, string Cwd, string CommandLine);
