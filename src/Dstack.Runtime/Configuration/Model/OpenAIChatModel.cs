using System.ComponentModel;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>A chat model the service serves through an OpenAI-compatible API (<c>format: openai</c>).</summary>
public sealed record OpenAIChatModel : ServiceModel
{
    public override string Format => "openai";

    [Description("The path prefix of the OpenAI-compatible API, as in http://host/v1/chat/completions.")]
    [DefaultValue("/v1")]
    public string Prefix { get; init; } = "/v1";
}
