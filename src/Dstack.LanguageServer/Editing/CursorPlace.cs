namespace Dstack.LanguageServer.Editing;

/// <summary>What the cursor is on: a key being written in a mapping, or the value of a key.</summary>
public enum CursorPlace
{
    /// <summary>A key of the mapping at <see cref="CursorContext.Path"/> (or, after <c>- </c>, possibly a list item; the schema decides).</summary>
    Key,

    /// <summary>The value of the last key of <see cref="CursorContext.Path"/> (or an item of a flow list <c>[a, b]</c> there).</summary>
    Value,
}
