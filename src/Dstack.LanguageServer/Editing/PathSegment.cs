namespace Dstack.LanguageServer.Editing;

/// <summary>One step from the top of a YAML document towards the cursor: a mapping key, or an item of a sequence.</summary>
/// <param name="Key">The key, or null for a sequence item.</param>
public readonly record struct PathSegment(string? Key)
{
    public static PathSegment Item { get; } = new(null);

    public bool IsItem => Key is null;

    public static PathSegment Of(string key) => new(key);

    public override string ToString() => Key ?? "-";
}
