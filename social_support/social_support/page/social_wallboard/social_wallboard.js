// Social Wallboard: the live queue for a team room. /app/social-wallboard/tv is the full-screen view for a TV.
frappe.pages["social-wallboard"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("Social Wallboard"), single_column: true });
	const board = new SocialWallboard(page, wrapper);
	wrapper.social_wallboard = board;
	board.refresh();
};

frappe.pages["social-wallboard"].on_page_show = function (wrapper) {
	wrapper.social_wallboard && wrapper.social_wallboard.set_tv(frappe.get_route()[1] === "tv");
};

class SocialWallboard {
	constructor(page, wrapper) {
		this.page = page;
		this.wrapper = wrapper;
		this.$body = $(`<div class="social-wallboard" aria-live="polite"></div>`).appendTo(page.main);
		this.style();
		page.set_primary_action(__("Full Screen"), () => frappe.set_route("social-wallboard", "tv"), "fullscreen");
		page.set_secondary_action(__("Refresh"), () => this.refresh());
		// one event from the server when tickets or messages change (throttled there), no polling storm
		frappe.realtime.on("social_wallboard", () => this.refresh_soon());
		// ages keep moving even when nothing happens
		this.timer = setInterval(() => this.refresh(), 60 * 1000);
		this.set_tv(frappe.get_route()[1] === "tv");
	}

	set_tv(on) {
		$("body").toggleClass("social-wallboard-tv", !!on);
		if (on) {
			$(document).on("keydown.social_wallboard", (e) => {
				if (e.key === "Escape") frappe.set_route("social-wallboard");
			});
		} else {
			$(document).off("keydown.social_wallboard");
		}
	}

	refresh_soon() {
		if (this.pending) return;
		this.pending = setTimeout(() => {
			this.pending = null;
			this.refresh();
		}, 500 + Math.random() * 1500); // spread the boards' requests a little
	}

	refresh() {
		return frappe
			.xcall("social_support.api.wallboard.get_data")
			.then((d) => this.render(d))
			.catch(() => this.$body.find(".sw-updated").text(__("Could not refresh; retrying in a minute")));
	}

	render(d) {
		const fmt = (v, unit) => (v === null || v === undefined ? "–" : `${v}${unit || ""}`);
		const minutes = (m) => {
			if (m === null || m === undefined) return "–";
			if (m < 90) return `${Math.round(m)} min`;
			if (m < 48 * 60) return `${(m / 60).toFixed(1)} h`;
			return `${Math.round(m / 60 / 24)} d`;
		};
		const q = d.queue;
		const rows = q.channels
			.map(
				(c) => `<tr><th scope="row">${frappe.utils.escape_html(c.channel)}</th>${q.buckets
					.map((b, i) => `<td class="${i >= 3 && c[b] ? "sw-late" : ""}">${c[b] || ""}</td>`)
					.join("")}<td class="sw-total">${c.total}</td></tr>`
			)
			.join("");
		const spike = d.spike.active
			? `<div class="sw-card sw-spike" role="alert"><div class="sw-label">${__("Spike")}</div><div class="sw-value">${d.spike.current}</div><div class="sw-sub">${__("in the last window, baseline {0}", [d.spike.baseline])}</div></div>`
			: `<div class="sw-card sw-calm"><div class="sw-label">${__("Volume")}</div><div class="sw-value">${__("Normal")}</div><div class="sw-sub">${__("{0} in the last window", [d.spike.current])}</div></div>`;
		this.$body.html(`
			<div class="sw-cards">
				<div class="sw-card"><div class="sw-label">${__("Waiting")}</div><div class="sw-value" data-figure="waiting">${q.waiting}</div><div class="sw-sub">${__("oldest {0}", [minutes(q.oldest_wait_minutes)])}</div></div>
				<div class="sw-card"><div class="sw-label">${__("Median wait now")}</div><div class="sw-value" data-figure="median-wait">${minutes(q.median_wait_minutes)}</div></div>
				<div class="sw-card"><div class="sw-label">${__("First response today")}</div><div class="sw-value" data-figure="first-response">${minutes(d.first_response_today_minutes)}</div><div class="sw-sub">${__("median")}</div></div>
				<div class="sw-card"><div class="sw-label">${__("CSAT today")}</div><div class="sw-value" data-figure="csat">${fmt(d.csat_today, "%")}</div></div>
				<div class="sw-card"><div class="sw-label">${__("Awaiting approval")}</div><div class="sw-value" data-figure="approval">${d.pending_approval}</div></div>
				${spike}
			</div>
			<table class="sw-queue">
				<caption>${__("Waiting tickets by channel and time since the customer wrote")}</caption>
				<thead><tr><th scope="col">${__("Channel")}</th>${q.buckets.map((b) => `<th scope="col">${__(b)}</th>`).join("")}<th scope="col">${__("Total")}</th></tr></thead>
				<tbody>${rows || `<tr><td colspan="${q.buckets.length + 2}" class="sw-empty">${__("Nobody is waiting")}</td></tr>`}</tbody>
			</table>
			<div class="sw-updated">${__("Updated {0}", [frappe.datetime.str_to_user(d.at)])}</div>`);
	}

	style() {
		if (document.getElementById("social-wallboard-style")) return;
		$(`<style id="social-wallboard-style">
			.social-wallboard { padding: 1rem 0; color: var(--text-color); }
			.sw-cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 1rem; margin-bottom: 1.5rem; }
			.sw-card { border: 1px solid var(--border-color); border-radius: .75rem; padding: 1rem 1.25rem; background: var(--card-bg); }
			.sw-label { font-size: 1.1rem; color: var(--text-muted); }
			.sw-value { font-size: clamp(2rem, 3.2vw, 3.5rem); font-weight: 700; line-height: 1.1; white-space: nowrap; }
			.sw-sub { color: var(--text-muted); }
			.sw-spike { border: 3px solid #c62828; background: #fdecea; color: #7a1010; }
			.sw-spike .sw-label, .sw-spike .sw-sub { color: #7a1010; }
			.sw-queue { width: 100%; border-collapse: collapse; font-size: 1.3rem; }
			.sw-queue caption { caption-side: top; text-align: left; color: var(--text-muted); padding-bottom: .5rem; }
			.sw-queue th, .sw-queue td { border-bottom: 1px solid var(--border-color); padding: .5rem .75rem; text-align: right; }
			.sw-queue th[scope=row], .sw-queue thead th:first-child { text-align: left; }
			.sw-late { color: #b71c1c; font-weight: 700; }
			.sw-total { font-weight: 700; }
			.sw-empty { text-align: center !important; color: var(--text-muted); }
			.sw-updated { margin-top: 1rem; color: var(--text-muted); }
			body.social-wallboard-tv .navbar, body.social-wallboard-tv .page-head, body.social-wallboard-tv .sticky-top { display: none !important; }
			body.social-wallboard-tv .page-body, body.social-wallboard-tv .container { max-width: 100% !important; }
			body.social-wallboard-tv .sw-value { font-size: clamp(2.5rem, 4vw, 5rem); }
			body.social-wallboard-tv .sw-label { font-size: 1.6rem; }
			body.social-wallboard-tv .sw-queue { font-size: 2rem; }
		</style>`).appendTo("head");
	}
}
