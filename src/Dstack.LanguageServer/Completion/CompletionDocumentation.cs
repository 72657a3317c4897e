using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// The documentation of the latest completion list, for a client that resolves it per item
/// (<c>completionItem/resolve</c>): an item carries the list's number and its index (<c>data</c>). Only the latest list
/// is kept, as a client resolves items of the list it shows; an item of an older list resolves to itself.
/// </summary>
public sealed class CompletionDocumentation
{
    private readonly Lock _gate = new();
    private long _numbered;
    private long _number;
    private MarkupContent?[] _documentation = [];

    /// <summary>The number of the next list.</summary>
    public long NextList()
    {
        lock (_gate)
        {
            return ++_numbered;
        }
    }

    /// <summary>Keeps list <paramref name="number"/>'s documentation, by item index, unless a later list was kept already.</summary>
    public void Keep(long number, MarkupContent?[] documentation)
    {
        lock (_gate)
        {
            if (number > _number)
            {
                _number = number;
                _documentation = documentation;
            }
        }
    }

    /// <summary>The documentation of item <paramref name="index"/> of list <paramref name="number"/>; null when that list is no longer the latest, or the item has none.</summary>
    public MarkupContent? Find(long number, long index)
    {
        lock (_gate)
        {
            return number == _number && index >= 0 && index < _documentation.Length ? _documentation[index] : null;
        }
    }
}
