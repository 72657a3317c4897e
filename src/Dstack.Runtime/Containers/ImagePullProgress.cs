namespace Dstack.Runtime.Containers;

/// <summary>Where a pull is: layers done of those seen, bytes downloaded of those known, and the engine's last status line.</summary>
public sealed record ImagePullProgress(int LayersDone, int Layers, long Bytes, long TotalBytes, string Status);
