namespace Dstack.LanguageServer.Completion;

/// <summary>An item of <c>volumes</c>: a network volume (<c>name:/path</c>) or a folder of the instance (<c>/instance/path:/path</c>).</summary>
public static class VolumeCompletion
{
    public static void Add(CompletionItems items)
    {
        if (items.Request.Prefix.Contains(':', StringComparison.Ordinal))
        {
            return;
        }

        items.Snippet("name:/path", "${1:my-volume}:${2:/data}", "a network volume, mounted at /path", "A volume created with `dstack apply` (type: volume), mounted at an absolute path.");
        items.Snippet("/instance/path:/path", "${1:/mnt/data}:${2:/data}", "a folder of the instance, mounted at /path", "An instance (host) folder: the source contains `/`.");
    }
}
