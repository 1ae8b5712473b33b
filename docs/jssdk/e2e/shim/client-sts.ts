// Adaptation shim: STS GetCallerIdentity is another AWS service; the specs only use Account to name buckets.
export class STS { constructor(_cfg?: any) {} async getCallerIdentity(_: any) { return { Account: "123456789012" }; } }
export type GetCallerIdentityCommandOutput = { Account?: string };
