namespace Dstack.Runtime.Snapshots;

/// <summary>One file of a snapshot as scanned: its relative path, size, and link text when it is a symbolic link.</summary>
internal readonly record struct SnapshotEntry(string Path, long Length, string? LinkTarget);
