namespace Dstack.LanguageServer.Protocol;

/// <summary>The optional second argument of <c>dstack.run</c> and <c>dstack.runCommandLine</c>.</summary>
/// <param name="Args">More words for <c>dstack run</c>: its options (<c>-y</c>, <c>--gpu A10</c>) or run arguments.</param>
/// <param name="Detach">True adds <c>-d</c>: submit the run and return.</param>
public sealed record RunCommandLineOptions(IReadOnlyList<string>? Args = null, bool? Detach = null);
