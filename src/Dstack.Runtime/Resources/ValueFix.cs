namespace Dstack.Runtime.Resources;

/// <summary>
/// The replacement that fixes a <see cref="ValueIssue"/>, placed in the value's text like the issue itself: at
/// <paramref name="Offset"/> for <paramref name="Length"/> characters, or, with offset -1, over the same part as the
/// issue (the whole value when the issue has no offset either).
/// </summary>
/// <param name="Text">What to write instead; always a valid value in that place.</param>
/// <param name="Offset">Where the replaced text starts in the value, or -1 for the issue's own part.</param>
/// <param name="Length">How many characters it replaces.</param>
public sealed record ValueFix(string Text, int Offset = -1, int Length = 0)
{
    public ValueFix Shift(int by) => Offset < 0 ? this : this with { Offset = Offset + by };
}
