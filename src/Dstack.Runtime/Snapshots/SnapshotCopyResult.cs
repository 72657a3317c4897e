namespace Dstack.Runtime.Snapshots;

/// <summary>What <see cref="CodeSnapshot.CopyTo"/> did.</summary>
/// <param name="Target">The full path of the working copy.</param>
/// <param name="FilesCopied">Files and symbolic links written.</param>
/// <param name="BytesCopied">Their size as scanned.</param>
/// <param name="Skipped">Relative paths that vanished between the scan and the copy (or became special files), or that sit below a symbolic link.</param>
/// <param name="Elapsed">How long the copy took.</param>
public sealed record SnapshotCopyResult(string Target, int FilesCopied, long BytesCopied, IReadOnlyList<string> Skipped, TimeSpan Elapsed);
