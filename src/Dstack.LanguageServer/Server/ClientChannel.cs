using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Transport;

namespace Dstack.LanguageServer.Server;

/// <summary>
/// Everything the server sends to the client, as framed JSON-RPC messages: responses, notifications, and requests of
/// its own, whose answers the session routes back here.
/// </summary>
public sealed class ClientChannel(MessageWriter writer)
{
    /// <summary>How long <see cref="RequestAsync{TParams}"/> waits for an answer unless told otherwise.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    private readonly OutgoingRequests _outgoing = new();

    /// <summary>Sends a notification whose params are <paramref name="value"/>.</summary>
    public Task NotifyAsync<T>(string method, T value, JsonTypeInfo<T> type) =>
        SendAsync(new NotificationMessage(method, JsonSerializer.SerializeToElement(value, type)), LspJsonContext.Wire.NotificationMessage);

    /// <summary>
    /// Sends a request to the client and returns its result (JSON <c>null</c> included). Throws
    /// <see cref="ClientErrorException"/> when the client answers with an error, <see cref="TimeoutException"/> when
    /// it does not answer within <paramref name="timeout"/>, and <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellation"/> fires or the session ends first; a request given up on is cancelled in the
    /// client with <c>$/cancelRequest</c>.
    /// </summary>
    /// <remarks>
    /// Call it from request handlers, or from work of your own: the answer is read by the session's reading loop,
    /// which a notification handler holds while it runs, so a notification handler that awaited an answer would wait
    /// for the whole timeout.
    /// </remarks>
    public Task<JsonElement> RequestAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> type, CancellationToken cancellation = default, TimeSpan? timeout = null) =>
        RequestAsync(method, JsonSerializer.SerializeToElement(parameters, type), cancellation, timeout);

    /// <summary>As <see cref="RequestAsync{TParams}"/>, for a method without params (<c>workspace/diagnostic/refresh</c>): none are sent.</summary>
    public Task<JsonElement> RequestWithoutParamsAsync(string method, CancellationToken cancellation = default, TimeSpan? timeout = null) =>
        RequestAsync(method, null, cancellation, timeout);

    private async Task<JsonElement> RequestAsync(string method, JsonElement? parameters, CancellationToken cancellation, TimeSpan? timeout)
    {
        var limit = timeout ?? DefaultRequestTimeout;
        var (id, answer) = _outgoing.Start(method);
        try
        {
            await SendAsync(new RequestMessage(id, method, parameters), LspJsonContext.Wire.RequestMessage).ConfigureAwait(false);
            return await answer.WaitAsync(limit, cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await CancelInClientAsync(id).ConfigureAwait(false);
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"the client did not answer '{method}' (id {id}) within {limit.TotalSeconds:0.###} s"));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await CancelInClientAsync(id).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _outgoing.Forget(id);
        }
    }

    /// <summary>As <see cref="RequestAsync{TParams}"/>, with the result read into <typeparamref name="TResult"/>.</summary>
    public async Task<TResult> RequestAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> type, JsonTypeInfo<TResult> resultType, CancellationToken cancellation = default, TimeSpan? timeout = null)
    {
        var result = await RequestAsync(method, parameters, type, cancellation, timeout).ConfigureAwait(false);
        try
        {
            return result.Deserialize(resultType)!;
        }
        catch (JsonException e)
        {
            throw new ClientErrorException(method, new ResponseError(ErrorCodes.InvalidParams, $"the result does not have the shape LSP gives it: {e.Message}"));
        }
    }

    internal Task RespondAsync(RequestId id, JsonElement result) =>
        SendAsync(new ResponseMessage(id, result), LspJsonContext.Wire.ResponseMessage);

    /// <summary>
    /// A successful response whose result is already JSON (<see cref="IJsonResultHandler"/>): the same bytes as
    /// <see cref="RespondAsync"/> with that result as an element, members in the same order.
    /// </summary>
    internal Task RespondJsonAsync(RequestId id, PooledJson result) =>
        writer.WriteAsync(ResponseStart(id), result.WrittenMemory, ResponseEnd).AsTask();

    /// <summary>The response message of <see cref="RespondJsonAsync"/> as one array (what the frame's body is).</summary>
    internal static ReadOnlyMemory<byte> ResponseJson(RequestId id, ReadOnlySpan<byte> result) =>
        (byte[])[.. ResponseStart(id).Span, .. result, .. ResponseEnd.Span];

    /// <summary><c>{"id":ID,"result":</c>, the id written as the wire writes it.</summary>
    private static ReadOnlyMemory<byte> ResponseStart(RequestId id)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = LspJsonContext.Wire.Options.Encoder, SkipValidation = true }))
        {
            json.WriteStartObject();
            json.WritePropertyName("id");
            JsonSerializer.Serialize(json, id, LspJsonContext.Wire.RequestId);
            json.WritePropertyName("result");
        }

        return buffer.WrittenMemory;
    }

    /// <summary>What follows the result: the same member order as <see cref="ResponseMessage"/>'s.</summary>
    private static readonly ReadOnlyMemory<byte> ResponseEnd = ",\"jsonrpc\":\"2.0\"}"u8.ToArray();

    internal Task RespondErrorAsync(RequestId? id, ResponseError error) =>
        SendAsync(new ErrorResponseMessage(id, error), LspJsonContext.Wire.ErrorResponseMessage);

    /// <summary>Hands a response from the client to the request waiting for it; false when none waits for this id.</summary>
    internal bool Complete(RequestId id, JsonElement result) => _outgoing.Complete(id, result);

    /// <summary>Hands an error response from the client to the request waiting for it; false when none waits for this id.</summary>
    internal bool Fail(RequestId id, ResponseError error) => _outgoing.Fail(id, error);

    /// <summary>The session has ended: requests still waiting for the client fail, and so do new ones.</summary>
    internal void CloseRequests() => _outgoing.Close();

    private async Task CancelInClientAsync(RequestId id)
    {
        try
        {
            await NotifyAsync(Methods.CancelRequest, new CancelParams(id), LspJsonContext.Default.CancelParams).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The client is gone, so nothing is left to cancel there.
        }
    }

    private async Task SendAsync<T>(T message, JsonTypeInfo<T> type) =>
        await writer.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(message, type)).ConfigureAwait(false);
}
