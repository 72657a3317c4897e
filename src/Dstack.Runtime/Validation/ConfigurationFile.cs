namespace Dstack.Runtime.Validation;

/// <summary>A file to check: where it is, and how messages name it (relative to the current folder when inside it).</summary>
public sealed record ConfigurationFile(string FullPath, string DisplayPath);
