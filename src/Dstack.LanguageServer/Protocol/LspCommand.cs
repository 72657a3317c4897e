using System.Text.Json;

namespace Dstack.LanguageServer.Protocol;

/// <summary>An LSP <c>Command</c> (named so as not to clash with the CLI's): a title, and a command the client runs through <c>workspace/executeCommand</c>.</summary>
/// <param name="Title">What the editor shows.</param>
/// <param name="Command">The command's name, such as <c>dstack.run</c>.</param>
/// <param name="Arguments">Its arguments, sent back as they are.</param>
public sealed record LspCommand(string Title, string Command, IReadOnlyList<JsonElement>? Arguments = null);
