/** One spelling per asset id: ad accounts as `act_<n>` (reference §1.7), others as given. */
export function canonicalAssetId (assetType: string, id: string): string {
  return assetType === 'ad_account' && !id.startsWith('act_') ? `act_${id}` : id
}
