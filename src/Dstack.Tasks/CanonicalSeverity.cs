namespace Dstack.Tasks;

/// <summary>The severity word of a canonical diagnostic line.</summary>
public enum CanonicalSeverity
{
    Error,
    Warning,
    Info,
}
