using System.Text;
using System.Text.Json;
using Dstack.LanguageServer.Completion;
using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Handlers;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Tests.Server;

/// <summary>
/// A typed handler's result is written straight into its response (<see cref="IJsonResultHandler"/>): the bytes must be
/// those of the way every other result goes (an element of the result inside a <see cref="ResponseMessage"/>).
/// </summary>
[Trait("Category", "Fast")]
public sealed class ResponseJsonTests
{
    public static TheoryData<string> Ids => ["7", "\"abc-é\""];

    [Theory]
    [MemberData(nameof(Ids))]
    public void ResponseJson_CompletionOfEveryTopLevelKey_IsTheElementPathsBytes(string idJson)
    {
        var document = new DocumentSnapshot("file:///p/x.dstack.yml", "/p/x.dstack.yml", 1, "type: task\nname: probe\n\ncommands:\n  - python train.py\n");
        var list = CompletionDispatcher.Complete(document, new Position(2, 0), null);
        Assert.True(list.Items.Count > 20);

        AssertSameBytes(Id(idJson), list);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void ResponseJson_TextThatJsonOrHtmlEscapes_IsTheElementPathsBytes(string idJson)
    {
        var text = "<b>&'\"\\ `x` é😀 \u0001\t\n\u2028 </script>";
        var item = new CompletionItem(text, CompletionItemKind.Property, text, MarkupContent.Markdown(text), "0001", null, InsertTextFormat.Snippet, InsertTextMode.AdjustIndentation,
            new TextEdit(new TextRange(new Position(0, 0), new Position(0, 3)), text), [CompletionItemTag.Deprecated]);

        AssertSameBytes(Id(idJson), new CompletionList(true, [item]));
        AssertSameBytes(Id(idJson), CompletionList.Empty);
    }

    [Fact]
    public async Task HandleToJsonAsync_Completion_IsTheHandlersElementWritten()
    {
        using var context = TestContext();
        context.Documents.Open(new TextDocumentItem("file:///p/x.dstack.yml", "yaml", 1, "type: task\n\n"));
        IJsonResultHandler handler = new CompletionHandler();
        var parameters = JsonDocument.Parse("""{"textDocument":{"uri":"file:///p/x.dstack.yml"},"position":{"line":1,"character":0}}""").RootElement;

        var element = await handler.HandleAsync(parameters, context, CancellationToken.None);
        using var json = await handler.HandleToJsonAsync(parameters, context, CancellationToken.None);

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(element, LspJsonContext.Wire.JsonElement), json.WrittenMemory.ToArray());
    }

    private static void AssertSameBytes(RequestId id, CompletionList list)
    {
        var viaElement = JsonSerializer.SerializeToUtf8Bytes(new ResponseMessage(id, JsonSerializer.SerializeToElement(list, LspJsonContext.Default.CompletionList)), LspJsonContext.Wire.ResponseMessage);
        var direct = ClientChannel.ResponseJson(id, JsonSerializer.SerializeToUtf8Bytes(list, LspJsonContext.Wire.CompletionList)).ToArray();

        Assert.Equal(Encoding.UTF8.GetString(viaElement), Encoding.UTF8.GetString(direct));
        Assert.Equal(viaElement, direct);
    }

    private static RequestId Id(string json) => JsonSerializer.Deserialize(json, LspJsonContext.Default.RequestId);

    private static ServerContext TestContext()
    {
        var channel = new ClientChannel(new Dstack.LanguageServer.Transport.MessageWriter(Stream.Null));
        return new ServerContext(new DocumentStore(), channel, new ServerLog(TextWriter.Null, channel), new Lifecycle());
    }
}
