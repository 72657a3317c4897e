namespace Dstack.LanguageServer.Protocol;

/// <param name="Commands">The commands <c>workspace/executeCommand</c> runs.</param>
public sealed record ExecuteCommandOptions(IReadOnlyList<string> Commands);
