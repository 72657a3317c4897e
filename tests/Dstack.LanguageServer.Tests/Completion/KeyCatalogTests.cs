using Dstack.LanguageServer.Completion;
using Dstack.LanguageServer.Editing;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.LanguageServer.Tests.Completion;

/// <summary>
/// The keys worked out once per set of model types (<see cref="KeyCatalog"/>) must say exactly what working them out per
/// request said; and the list written for a client copies an item only where the client's form changes it.
/// </summary>
[Trait("Category", "Fast")]
public sealed class KeyCatalogTests
{
    public static TheoryData<string> Slots => new() { "run file without type", "task", "service", "dev-environment", "resources", "gpu", "profiles file", "workflows file" };

    [Theory]
    [MemberData(nameof(Slots))]
    public void Entries_AreTheSettableKeys_WithTheSortTextsOfTheirPlaceInTheModel(string name)
    {
        var slot = SlotOf(name);
        var keys = slot.Keys;
        var entries = KeyCatalog.Of(slot.ObjectTypes).Entries;

        var expected = keys
            .Select((key, index) => (key, index))
            .Where(k => k.key.IsSettable || k.key.YamlName == "type" || ModelDescriptor.For(k.key.Property.DeclaringType!).VariantKey == k.key.YamlName)
            .Select(k => (k.key.YamlName, KeyOrder.Of(k.key, k.index, slot.ObjectTypes)))
            .ToList();
        Assert.Equal(expected, entries.Select(e => (e.Key.YamlName, e.SortText)).ToList());
        Assert.NotEmpty(entries);
        foreach (var entry in entries)
        {
            Assert.Equal(entry.Key.YamlName + ": ", entry.KeyAndColon);
            Assert.Equal(entry.Key.DeprecatedAdvice is not null, entry.Tags is [CompletionItemTag.Deprecated]);
            Assert.StartsWith(entry.Key.Description.Length > 0 ? entry.Key.Description[..Math.Min(20, entry.Key.Description.Length)] : string.Empty, entry.Documentation.Value, StringComparison.Ordinal);
            if (entry.Snippet is { } lines)
            {
                Assert.Equal(string.Join('\n', lines), entry.SnippetAt(0));
                // After `- `, a block's lines go two columns deeper; the first line stays where the key is.
                Assert.Equal(lines[0] + string.Concat(lines.Skip(1).Select(l => "\n  " + l)), entry.SnippetAt(2));
            }
        }
    }

    [Fact]
    public void Of_TheSameTypesInAnotherList_IsTheSameCatalog_AndAnotherOrderIsAnother()
    {
        var types = ModelDescriptor.RunConfigurationTypes.Values.ToList();

        var first = KeyCatalog.Of(types);
        var again = KeyCatalog.Of([.. types]);
        var reversed = KeyCatalog.Of([.. Enumerable.Reverse(types)]);

        Assert.Same(first, again);
        Assert.NotSame(first, reversed);
        Assert.Equal(first.Entries.Select(e => e.Key.YamlName).Order(), reversed.Entries.Select(e => e.Key.YamlName).Order());
    }

    [Fact]
    public void Shape_PassesThroughAnItemTheClientTakesAsBuilt_AndCopiesAnItemItChangesOnce()
    {
        var cursor = new Position(3, 2);
        var elsewhere = new TextRange(new Position(3, 0), new Position(3, 2));
        var untouched = new CompletionItem("image", CompletionItemKind.Property, "string", null, "2005", null, null, null, new TextEdit(elsewhere, "image: "));
        var atCursor = new CompletionItem("user", CompletionItemKind.Property, "string", MarkupContent.Markdown("The user."), "3003", null, InsertTextFormat.PlainText, null, new TextEdit(new TextRange(cursor, cursor), "user: "));
        var list = new CompletionList(false, [untouched, atCursor]);

        var shaped = CompletionForClient.Shape(list, new ClientFeatures(false), cursor, "  ", new CompletionDocumentation());

        Assert.Same(untouched, shaped.Items[0]);
        var changed = shaped.Items[1];
        Assert.NotSame(atCursor, changed);
        Assert.Null(changed.TextEdit);
        Assert.Equal("user: ", changed.InsertText);
        Assert.Null(changed.InsertTextFormat);
        Assert.Equal(atCursor.Documentation, changed.Documentation);
    }

    private static ModelSlot SlotOf(string name) => name switch
    {
        "run file without type" => ModelPath.Root(ConfigurationKind.Run, null),
        "profiles file" => ModelPath.Root(ConfigurationKind.Profiles, null),
        "workflows file" => ModelPath.Root(ConfigurationKind.Workflows, null),
        "resources" => ModelPath.Resolve(ConfigurationKind.Run, "task", [PathSegment.Of("resources")])!,
        "gpu" => ModelPath.Resolve(ConfigurationKind.Run, "task", [PathSegment.Of("resources"), PathSegment.Of("gpu")])!,
        _ => ModelPath.Root(ConfigurationKind.Run, name),
    };
}
