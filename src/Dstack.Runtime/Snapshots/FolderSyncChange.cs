namespace Dstack.Runtime.Snapshots;

/// <summary>One thing <see cref="FolderSync"/> did, reported to its observer.</summary>
/// <param name="Kind">What was done.</param>
/// <param name="Path">The relative path ('/' separators); empty for a rescan.</param>
/// <param name="Message">Why a change failed; null otherwise.</param>
public sealed record FolderSyncChange(FolderSyncChangeKind Kind, string Path, string? Message = null);
