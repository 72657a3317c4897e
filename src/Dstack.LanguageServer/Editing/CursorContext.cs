namespace Dstack.LanguageServer.Editing;

/// <summary>
/// Where the cursor is in a YAML document, in the document's own terms, read from the text around it so that it works
/// on the half-written file an editor holds: the keys from the top down to the cursor, whether a key or a value is
/// being written, the text typed so far and the range a completion would replace, and the keys already present beside it.
/// </summary>
/// <param name="Path">For <see cref="CursorPlace.Key"/>: the path of the mapping the key goes in. For <see cref="CursorPlace.Value"/>: the path of the key whose value it is (its last segment is that key; for an item of a block list, an item segment follows).</param>
/// <param name="Place">Key or value.</param>
/// <param name="Prefix">What is typed between the start of the key or value and the cursor.</param>
/// <param name="Line">The 0-based line of the cursor.</param>
/// <param name="ReplaceStart">The 0-based character where the key or value starts (what a completion replaces starts here).</param>
/// <param name="ReplaceEnd">The 0-based character where the key or value ends (at least the cursor).</param>
/// <param name="Column">The 0-based column at which a key written here starts: block snippets indent from it.</param>
/// <param name="SiblingKeys">The keys already in the same mapping, the one being written excluded.</param>
/// <param name="AfterDash">The key or value follows a <c>- </c> on the cursor's line: it starts a list item.</param>
/// <param name="InFlow">The cursor is inside <c>[...]</c> or <c>{...}</c>.</param>
/// <param name="HasColon">For a key: the line already has the <c>:</c> after it (a completion should not add another).</param>
public sealed record CursorContext(
    IReadOnlyList<PathSegment> Path,
    CursorPlace Place,
    string Prefix,
    int Line,
    int ReplaceStart,
    int ReplaceEnd,
    int Column,
    IReadOnlySet<string> SiblingKeys,
    bool AfterDash,
    bool InFlow,
    bool HasColon)
{
    /// <summary>
    /// For an item of a list (after <c>- </c>, or an element of <c>[...]</c>): the scalar values of the other items, unquoted,
    /// so that a completion can leave out what is already listed.
    /// </summary>
    public IReadOnlySet<string> SiblingItems { get; init; } = YamlCursor.NoKeys;

    /// <summary>The last key of the path, or null at the top level.</summary>
    public string? LastKey => Path.LastOrDefault(s => !s.IsItem).Key;

    public override string ToString() => $"{Place} at /{string.Join('/', Path)} prefix '{Prefix}'";
}
