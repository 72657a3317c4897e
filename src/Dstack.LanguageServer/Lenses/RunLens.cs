using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Diagnostics;

namespace Dstack.LanguageServer.Lenses;

/// <summary>
/// One lens over a run configuration or a workflow, before it becomes an LSP <c>CodeLens</c> (which adds the document's
/// uri as the first argument).
/// </summary>
/// <param name="Span">The <c>type:</c> line's key and value, or a workflow's <c>name:</c>.</param>
/// <param name="Title">What the editor shows: <c>▶ Run</c>, <c>✓ Validate</c>, the offers summary, <c>▶ Run NAME</c>.</param>
/// <param name="Command">The command a click runs, one of <see cref="Commands.DstackCommands"/>.</param>
/// <param name="Options">The second argument, when the command takes one: which workflow a workflow lens runs.</param>
/// <param name="Target">The second argument of <see cref="Commands.DstackCommands.OpenUrl"/> and <see cref="Commands.DstackCommands.Ssh"/>: the URL, the link or the SSH host.</param>
public sealed record RunLens(SourceSpan Span, string Title, string Command, RunCommandLineOptions? Options = null, string? Target = null);
