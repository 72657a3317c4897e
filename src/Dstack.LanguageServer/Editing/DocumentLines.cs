using System.Runtime.CompilerServices;
using Dstack.LanguageServer.Documents;

namespace Dstack.LanguageServer.Editing;

/// <summary>
/// The lines of each snapshot as LSP counts them (<see cref="YamlCursor.SplitLines"/>), split once on first use and
/// shared by every request on that version: completion, hover and the rest read the cursor from them.
/// </summary>
public static class DocumentLines
{
    private static readonly ConditionalWeakTable<DocumentSnapshot, string[]> Cache = [];

    public static string[] Of(DocumentSnapshot snapshot) => Cache.GetValue(snapshot, static s => YamlCursor.SplitLines(s.Text));
}
