namespace DirectLB.Providers.Http.Contract;

/// <summary>Headers the contract defines beyond standard HTTP.</summary>
public static class ContractHeaders
{
    /// <summary>Required on every POST, PUT and DELETE; the server answers a repeated key with the stored response.</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>"true" on a response replayed from the idempotency store rather than executed.</summary>
    public const string IdempotentReplayed = "Idempotent-Replayed";
}
