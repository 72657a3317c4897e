using System.Runtime.CompilerServices;
using Dstack.Runtime.Configuration;

namespace Dstack.LanguageServer.Documents;

/// <summary>
/// The checked form of each snapshot (YAML tree, model, source map and diagnostics), computed once on first use and
/// shared by diagnostics, hover, lenses and quick fixes. Kept only as long as the snapshot is alive.
/// </summary>
public static class CheckedDocuments
{
    // Lazy: the table may run its factory on two threads at once (background diagnostics and a hover of a new
    // version); the Lazy makes the second wait for the first parse instead of parsing again.
    private static readonly ConditionalWeakTable<DocumentSnapshot, Lazy<ConfigurationDocument>> Cache = [];

    /// <summary>What <c>dstack validate</c> makes of this snapshot's text.</summary>
    public static ConfigurationDocument Of(DocumentSnapshot snapshot) =>
        Cache.GetValue(snapshot, static s => new Lazy<ConfigurationDocument>(() => ConfigurationLoader.LoadText(s.Path, s.Text))).Value;
}
