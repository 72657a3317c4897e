using Dstack.Runtime.Diagnostics;

namespace Dstack.LanguageServer.Hover;

/// <summary>A value as the binder read it, and the problems it found in it.</summary>
/// <param name="Value">The bound value; null when it could not be read, or when it means "the default".</param>
/// <param name="Problems">The errors and warnings about the value.</param>
public sealed record ReadValue(object? Value, IReadOnlyList<Diagnostic> Problems)
{
    public bool HasErrors => Problems.Any(p => p.IsError);
}
