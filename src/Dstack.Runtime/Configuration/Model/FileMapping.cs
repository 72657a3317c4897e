namespace Dstack.Runtime.Configuration.Model;

/// <summary>A local file or folder copied into the job (dstack 0.19 <c>files</c>): <c>local/path[:/container/path]</c>.</summary>
public sealed record FileMapping(string LocalPath, string? Path)
{
    public override string ToString() => Path is null ? LocalPath : $"{LocalPath}:{Path}";
}
