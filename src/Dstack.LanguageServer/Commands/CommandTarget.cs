using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Server;
using Dstack.Runtime.Configuration;

namespace Dstack.LanguageServer.Commands;

/// <summary>
/// The dstack file a command is about: the open document's text when the editor has it open (what the user sees,
/// saved or not), else the file on disk.
/// </summary>
/// <param name="Uri">The uri as the client sent it.</param>
/// <param name="Path">The file path it names.</param>
/// <param name="Open">The open document, or null when the command reads the disk.</param>
public sealed record CommandTarget(string Uri, string Path, DocumentSnapshot? Open)
{
    /// <summary>The target of <paramref name="arguments"/>' uri; not a dstack file is invalid params.</summary>
    public static CommandTarget Of(CommandArguments arguments, ServerContext context)
    {
        var uri = arguments.Uri();
        if (!DocumentUri.IsDstackFile(uri))
        {
            throw arguments.Invalid($"{uri} is not a dstack file (*.dstack.yml, *.dstack.yaml, .dstack/profiles.yml or .dstack/workflows/*.yaml)");
        }

        var open = context.Documents.Find(uri);
        if (open is null && !IsFileUri(uri))
        {
            throw arguments.Invalid($"{uri} is not open, and only a file: uri can be read from disk");
        }

        return new CommandTarget(uri, DocumentUri.LocalPath(uri), open);
    }

    private static bool IsFileUri(string uri) => System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile;

    /// <summary>Reads and checks the file, with the same loader as <c>dstack validate</c>.</summary>
    public ConfigurationDocument Load() =>
        Open is { } open ? CheckedDocuments.Of(open) : ConfigurationLoader.LoadFile(Path);
}
