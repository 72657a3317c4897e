namespace Dstack.LanguageServer.Protocol;

/// <summary>The optional second argument of <c>dstack.run</c> and <c>dstack.runCommandLine</c>.</summary>
/// <param name="Args">The run's arguments, for <c>${{ run.args }}</c>: placed after <c>--</c>, each kept whole, so <c>-d</c> or <c>--env</c> here is the job's.</param>
/// <param name="Detach">True adds <c>-d</c>: submit the run and return.</param>
/// <param name="Options">More options for <c>dstack run</c> itself, before <c>--</c>: <c>-y</c>, <c>--gpu A10</c>, <c>-e NAME=value</c>.</param>
/// <param name="Workflow">For a workflows file: the workflow to run (<c>dstack run NAME</c> in the repository folder); may be left out when the file defines one workflow.</param>
/// <param name="WithDeps">For a workflow: true adds <c>--with-deps</c>, running the workflows of its <c>deps</c> first.</param>
public sealed record RunCommandLineOptions(IReadOnlyList<string>? Args = null, bool? Detach = null, IReadOnlyList<string>? Options = null, string? Workflow = null, bool? WithDeps = null);
