using System.Runtime.CompilerServices;
using Dstack.Runtime.Configuration;

namespace Dstack.LanguageServer.Documents;

/// <summary>
/// The checked form of each snapshot (YAML tree, model, source map and diagnostics), computed once on first use and
/// shared by diagnostics, hover, lenses and quick fixes. Kept only as long as the snapshot is alive.
/// </summary>
public static class CheckedDocuments
{
    private static readonly ConditionalWeakTable<DocumentSnapshot, ConfigurationDocument> Cache = [];

    /// <summary>What <c>dstack validate</c> makes of this snapshot's text.</summary>
    public static ConfigurationDocument Of(DocumentSnapshot snapshot) =>
        Cache.GetValue(snapshot, static s => ConfigurationLoader.LoadText(s.Path, s.Text));
}
