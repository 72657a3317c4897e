using Dstack.LanguageServer.Editing;

namespace Dstack.LanguageServer.Tests.Editing;

/// <summary>The cursor context read from half-written text: '‸' marks the cursor in each case.</summary>
[Trait("Category", "Fast")]
public sealed class YamlCursorTests
{
    [Theory]
    // Top-level keys, between others and on an empty file.
    [InlineData("type: task\nname: probe\n‸\ncommands:\n  - python train.py\n", "Key", "", "", "type,name,commands")]
    [InlineData("‸", "Key", "", "", "")]
    [InlineData("type: task\nna‸", "Key", "", "na", "type")]
    [InlineData("type: task\nna‸me: x\n", "Key", "", "na", "type")]
    // Values.
    [InlineData("type: ‸\nname: probe\n", "Value", "type", "", "")]
    [InlineData("type: ta‸\n", "Value", "type", "ta", "")]
    [InlineData("type: task\nspot_policy: ‸\n", "Value", "spot_policy", "", "")]
    [InlineData("type: task\nresources:\n  gpu: A1‸ # a comment\n", "Value", "resources/gpu", "A1", "")]
    // Nested keys.
    [InlineData("type: task\nresources:\n  memory: 32GB\n  ‸\n", "Key", "resources", "", "memory")]
    [InlineData("type: task\nresources:\n  memory: 32GB\n  ‸\n  disk: 100GB\nname: x\n", "Key", "resources", "", "memory,disk")]
    [InlineData("type: task\nresources:\n  gpu:\n    name: A100\n    ‸\n", "Key", "resources/gpu", "", "name")]
    [InlineData("type: task\nresources:\n  gpu:\n    name: A100\n  ‸\n", "Key", "resources", "", "gpu")]
    // Lists: items, keys in items, lists at their key's indentation.
    [InlineData("type: task\nports:\n  - ‸\n", "Key", "ports/-", "", "")]
    [InlineData("type: task\nbackends:\n- lo‸\n", "Key", "backends/-", "lo", "")]
    [InlineData("profiles:\n  - name: a\n    ‸\n", "Key", "profiles/-", "", "name")]
    [InlineData("profiles:\n- name: a\n  default: true\n  ‸\n", "Key", "profiles/-", "", "name,default")]
    [InlineData("profiles:\n  - name: a\n    spot_policy: ‸\n", "Value", "profiles/-/spot_policy", "", "")]
    [InlineData("profiles:\n  - name: a\n  - na‸\n", "Key", "profiles/-", "na", "")]
    [InlineData("commands:\n- echo\n‸\n", "Key", "", "", "commands")]
    // Flow collections.
    [InlineData("backends: [local, ‸]\n", "Value", "backends/-", "", "")]
    [InlineData("backends: [lo‸\n", "Value", "backends/-", "lo", "")]
    [InlineData("resources: {cpu: 2, ‸}\n", "Key", "resources", "", "cpu")]
    [InlineData("resources: {cpu: 2, gpu: A1‸}\n", "Value", "resources/gpu", "A1", "")]
    [InlineData("resources: {gpu: {name: A100, ‸}}\n", "Key", "resources/gpu", "", "name")]
    // The cursor before a flow collection's bracket is at the start of the value, not inside it.
    [InlineData("backends: ‸[local]\n", "Value", "backends", "", "")]
    public void At_ReadsPathPlacePrefixAndSiblings(string marked, string place, string path, string prefix, string siblings)
    {
        var (text, line, character) = Cursor(marked);

        var context = YamlCursor.At(text, line, character);

        Assert.Equal(place, context.Place.ToString());
        Assert.Equal(path, string.Join('/', context.Path));
        Assert.Equal(prefix, context.Prefix);
        Assert.Equal(siblings, string.Join(',', context.SiblingKeys.Order(StringComparer.Ordinal).OrderBy(s => siblings.IndexOf(s, StringComparison.Ordinal))));
    }

    [Fact]
    public void At_Value_ReplaceRangeCoversTheWholeValueButNotTheComment()
    {
        var (text, line, character) = Cursor("resources:\n  gpu: A1‸00:2 # two\n");

        var context = YamlCursor.At(text, line, character);

        Assert.Equal((1, 7, 13), (context.Line, context.ReplaceStart, context.ReplaceEnd));
        Assert.Equal("A100:2", text.Split('\n')[1][context.ReplaceStart..context.ReplaceEnd]);
    }

    [Fact]
    public void At_KeyWithColon_ReplaceStopsAtTheColonAndSaysSo()
    {
        var (text, line, character) = Cursor("  spo‸t: on-demand\n");

        var context = YamlCursor.At(text, line, character);

        Assert.True(context.HasColon);
        Assert.Equal("spot", text[context.ReplaceStart..context.ReplaceEnd]);
        Assert.Equal(2, context.Column);
    }

    [Fact]
    public void At_AfterDash_SaysTheKeyStartsAListItem()
    {
        var (text, line, character) = Cursor("ports:\n  - 80‸\n");

        var context = YamlCursor.At(text, line, character);

        Assert.True(context.AfterDash);
        Assert.Equal(4, context.ReplaceStart);
    }

    [Theory]
    [InlineData("backends: [local, ‸, aws]\n", "aws,local")]
    [InlineData("backends: [\"local\", lo‸]\n", "local")]
    [InlineData("on_events: [error, [x, y], ‸ # c\n", "error")]
    [InlineData("backends:\n  - aws\n  - ‸\n  - 'gcp'\n  - name: x\nother: 1\n", "aws,gcp")]
    [InlineData("backends:\n- aws\n- ‸\nports:\n- 80\n", "aws")]
    [InlineData("x:\n  - a\n  - b: 1\n    - c\n  - ‸\n", "a")]
    public void At_ListItem_ReadsTheOtherItems(string marked, string items)
    {
        var (text, line, character) = Cursor(marked);

        var context = YamlCursor.At(text, line, character);

        Assert.Equal(items, string.Join(',', context.SiblingItems.Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("- ‸- x\n")]
    [InlineData("ports:\n  -‸ 8080\n")]
    [InlineData("- -‸  x: 1\n")]
    public void At_BetweenDashesAndContent_IsAnEmptyKeyAtTheCursor(string marked)
    {
        var (text, line, character) = Cursor(marked);

        var context = YamlCursor.At(text, line, character);

        Assert.Equal((CursorPlace.Key, string.Empty, character, character), (context.Place, context.Prefix, context.ReplaceStart, context.ReplaceEnd));
    }

    [Fact]
    public void At_CrLfLines_AreLinesToo()
    {
        var context = YamlCursor.At("type: task\r\nresources:\r\n  gp", 2, 4);

        Assert.Equal(("resources", "gp"), (string.Join('/', context.Path), context.Prefix));
    }

    [Fact]
    public void At_PositionPastTheEnd_IsClampedNotThrown()
    {
        var context = YamlCursor.At("type: task\n", 40, 99);

        Assert.Equal(CursorPlace.Key, context.Place);
    }

    /// <summary>The text without its '‸', and the marker's 0-based line and character.</summary>
    public static (string Text, int Line, int Character) Cursor(string marked)
    {
        var offset = marked.IndexOf('‸', StringComparison.Ordinal);
        var before = marked[..offset];
        var line = before.Count(c => c == '\n');
        var character = offset - (before.LastIndexOf('\n') + 1);
        return (marked.Remove(offset, 1), line, character);
    }
}
