// The console's only script besides htmx: it announces every htmx swap in the live region
// (WAI-ARIA 1.2 `status` role) so screen reader users hear what changed, and moves focus to a
// swapped-in result that asks for it. No inline handlers: the CSP allows scripts from /ui only.
export const BEHAVIOUR = `
(function () {
  function announce (text) {
    var live = document.getElementById('live')
    if (!live) return
    live.textContent = ''
    setTimeout(function () { live.textContent = text }, 50)
  }
  document.addEventListener('htmx:afterSettle', function (event) {
    var target = event.detail.target
    // An outerHTML swap replaced the target: look at its successor of the same id.
    if (!target.isConnected && target.id) target = document.getElementById(target.id) || target
    var marked = target.matches('[data-announce]') ? target : target.querySelector('[data-announce]')
    announce(marked ? marked.getAttribute('data-announce') : 'Content updated')
    var focus = target.querySelector('[data-focus]')
    if (focus) focus.focus()
  })
  document.addEventListener('htmx:responseError', function (event) {
    announce('The request failed (HTTP ' + event.detail.xhr.status + '). Reload the page and try again.')
  })
  document.addEventListener('htmx:beforeRequest', function (event) { event.detail.elt.setAttribute('aria-busy', 'true') })
  document.addEventListener('htmx:afterRequest', function (event) { event.detail.elt.removeAttribute('aria-busy') })
})()
`
