// PLACEHOLDER: replaced by the public-profile work in progress (must not ship).
export default function PublicProfilePage() {
  return <p>PublicProfilePage</p>;
}
