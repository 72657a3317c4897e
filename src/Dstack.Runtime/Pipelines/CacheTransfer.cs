namespace Dstack.Runtime.Pipelines;

/// <summary>What a cache save or restore did: files copied (and their bytes), linked from the previous generation, or left as they were.</summary>
public sealed class CacheTransfer
{
    public int Copied { get; set; }

    public long CopiedBytes { get; set; }

    public int Linked { get; set; }

    public int Unchanged { get; set; }
}
