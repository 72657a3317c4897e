namespace Dstack.LanguageServer.QuickFixes;

/// <summary>Replace the characters from <paramref name="Start"/> to <paramref name="End"/> (0-based offsets, end exclusive) with <paramref name="Text"/>.</summary>
public sealed record TextReplacement(int Start, int End, string Text)
{
    /// <summary>The text with this replacement made.</summary>
    public string ApplyTo(string text) => string.Concat(text.AsSpan(0, Start), Text, text.AsSpan(End));
}
