using Dstack.Runtime.Validation;

namespace Dstack.LanguageServer.Documents;

/// <summary>What a document's uri says: its path, and whether it is a dstack file this server serves.</summary>
public static class DocumentUri
{
    /// <summary>
    /// The file path of a <c>file:</c> uri (percent-decoded); for another scheme, its decoded path, which is still
    /// enough to tell the kind of file. The runtime decides from this path whether a file holds profiles or workflows.
    /// </summary>
    public static string LocalPath(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            return uri;
        }

        return parsed.IsFile ? parsed.LocalPath : Uri.UnescapeDataString(parsed.AbsolutePath);
    }

    /// <summary>
    /// The file path of a <c>file:</c> uri, or null for another scheme (an unsaved document): what looks for files
    /// beside the document (its run folder, its profiles) has nowhere to look.
    /// </summary>
    public static string? FilePath(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile ? parsed.LocalPath : null;

    /// <summary>
    /// True for the files the CLI checks: <c>*.dstack.yml</c>, <c>*.dstack.yaml</c>, <c>.dstack/profiles.yml</c> and
    /// <c>.dstack/workflows/*.yaml</c> (the same test as <c>dstack validate</c> uses on a folder). Others are ignored.
    /// </summary>
    public static bool IsDstackFile(string uri) => ConfigurationFinder.IsConfigurationPath(LocalPath(uri));
}
