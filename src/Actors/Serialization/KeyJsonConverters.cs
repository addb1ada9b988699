using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Serialization;

/// <summary>Writes a <see cref="ListenerKey"/> as "TCP/80", also as a dictionary key.</summary>
internal sealed class ListenerKeyJsonConverter : JsonConverter<ListenerKey>
{
    public override ListenerKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString());

    public override void Write(Utf8JsonWriter writer, ListenerKey value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());

    public override ListenerKey ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, ListenerKey value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.ToString());

    private static ListenerKey Parse(string? text)
    {
        var parts = text?.Split('/');
        if (parts is not { Length: 2 } || !Enum.TryParse<TransportProtocol>(parts[0], ignoreCase: true, out var protocol))
        {
            throw new JsonException($"'{text}' is not a listener key like TCP/80");
        }

        return new ListenerKey(protocol, int.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}

/// <summary>Writes a <see cref="TargetKey"/> as "10.0.0.1:8080" or "[fd00::1]:8080", also as a dictionary key.</summary>
internal sealed class TargetKeyJsonConverter : JsonConverter<TargetKey>
{
    public override TargetKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString());

    public override void Write(Utf8JsonWriter writer, TargetKey value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());

    public override TargetKey ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TargetKey value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.ToString());

    private static TargetKey Parse(string? text)
    {
        var colon = text?.LastIndexOf(':') ?? -1;
        if (text is null || colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new JsonException($"'{text}' is not a target key like 10.0.0.1:8080");
        }

        var address = text[..colon];
        return new TargetKey(address.StartsWith('[') ? address[1..^1] : address, port);
    }
}
