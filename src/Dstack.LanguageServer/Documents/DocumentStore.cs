using System.Collections.Immutable;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Documents;

/// <summary>
/// The open dstack documents, by uri. Changed only by the notification handlers, in message order; readable from any
/// thread, each read seeing one whole set of snapshots.
/// </summary>
public sealed class DocumentStore
{
    private ImmutableDictionary<string, DocumentSnapshot> _documents = ImmutableDictionary.Create<string, DocumentSnapshot>(StringComparer.Ordinal);

    public int Count => _documents.Count;

    /// <summary>Every open document, as one consistent set.</summary>
    public IReadOnlyCollection<DocumentSnapshot> All => [.. _documents.Values];

    public DocumentSnapshot? Find(string uri) => _documents.GetValueOrDefault(uri);

    /// <summary>Opens (or reopens) a document.</summary>
    public DocumentSnapshot Open(TextDocumentItem item)
    {
        var snapshot = DocumentSnapshot.Open(item);
        ImmutableInterlocked.Update(ref _documents, (all, s) => all.SetItem(s.Uri, s), snapshot);
        return snapshot;
    }

    /// <summary>Applies a <c>didChange</c>; null when the document is not open here.</summary>
    public DocumentSnapshot? Change(VersionedTextDocumentIdentifier document, IEnumerable<TextDocumentContentChangeEvent> changes)
    {
        if (Find(document.Uri) is not { } current)
        {
            return null;
        }

        var changed = current.WithChanges(document.Version, changes);
        ImmutableInterlocked.Update(ref _documents, (all, s) => all.SetItem(s.Uri, s), changed);
        return changed;
    }

    /// <summary>Forgets a document; false when it was not open.</summary>
    public bool Close(string uri) => ImmutableInterlocked.TryRemove(ref _documents, uri, out _);
}
