namespace Dstack.Runtime.Diagnostics;

/// <summary>
/// The one obvious fix of a diagnostic: replace the text at <paramref name="Span"/> with <paramref name="Text"/>.
/// The span is the diagnostic's own or a part of it (in <c>gpu: A10O:2</c>, only the name). A front end may show it
/// (<c>did you mean</c>) or apply it (the language server's quick fixes); the result is always a valid value.
/// </summary>
/// <param name="Span">The text to replace.</param>
/// <param name="Text">What to write instead.</param>
public sealed record Suggestion(SourceSpan Span, string Text);
