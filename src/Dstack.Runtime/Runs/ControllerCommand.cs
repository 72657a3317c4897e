namespace Dstack.Runtime.Runs;

/// <summary>
/// How to start the controller process: the program and leading arguments of the <c>dstack</c> command (the apphost, or
/// <c>dotnet dstack.dll</c>), to which <c>controller RUN_ID</c> is appended. Each front end knows where its CLI is.
/// </summary>
public sealed record ControllerCommand(string Program, IReadOnlyList<string> Arguments);
