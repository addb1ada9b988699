namespace DirectLB.Providers.Http.Server;

/// <summary>The request breaks the contract (bad body, missing tag, port out of range): answered with 400.</summary>
internal sealed class InvalidRequestException(string message) : Exception(message);
