using Dstack.LanguageServer.Completion;
using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Editing;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Tests.Completion;

[Trait("Category", "Fast")]
public sealed class CompletionRequestTests
{
    [Fact]
    public void Replace_IsOneRangeForTheItems_AndACopyWithAnotherCursorGetsItsOwn()
    {
        var document = new DocumentSnapshot("file:///tmp/replace.dstack.yml", "/tmp/replace.dstack.yml", 1, "type: task\nspot_policy: au\nname: x\n");
        var request = new CompletionRequest(DocumentCursor.At(document, new Position(1, 15)), "spot_policy: au", document.Path);

        var range = request.Replace;

        Assert.Same(range, request.Replace);
        Assert.Equal(new TextRange(new Position(1, 13), new Position(1, 15)), range);

        var other = request with { Cursor = DocumentCursor.At(document, new Position(2, 8)), LineText = "name: x" };

        Assert.Equal(new TextRange(new Position(2, 6), new Position(2, 7)), other.Replace);
        Assert.Equal(new TextRange(new Position(1, 13), new Position(1, 15)), request.Replace);
    }
}
