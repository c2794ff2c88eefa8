"""The installed survey template (keys are a public contract) and the invitation texts, in six languages."""

from __future__ import annotations

import json

import frappe

TEMPLATE_NAME = "Social Support Survey"

QUESTIONS = [
	{
		"key": "satisfaction",
		"kind": "Rating 1-5",
		"required": 1,
		"label": "How satisfied are you with the help you got?",
		"translations": {
			"de": "Wie zufrieden sind Sie mit der Hilfe, die Sie bekommen haben?",
			"sv": "Hur nöjd är du med hjälpen du fick?",
			"nb": "Hvor fornøyd er du med hjelpen du fikk?",
			"pl": "Jak bardzo jesteś zadowolony z otrzymanej pomocy?",
			"zh": "您对我们提供的帮助满意吗？",
		},
	},
	{
		"key": "timeliness",
		"kind": "Rating 1-5",
		"label": "How satisfied are you with the time it took?",
		"translations": {
			"de": "Wie zufrieden sind Sie mit der Bearbeitungszeit?",
			"sv": "Hur nöjd är du med hur lång tid det tog?",
			"nb": "Hvor fornøyd er du med hvor lang tid det tok?",
			"pl": "Jak oceniasz czas oczekiwania na pomoc?",
			"zh": "您对处理所用的时间满意吗？",
		},
	},
	{
		"key": "agent_ability",
		"kind": "Rating 1-5",
		"label": "How well did our agent understand and solve your issue?",
		"translations": {
			"de": "Wie gut hat unser Mitarbeiter Ihr Anliegen verstanden und gelöst?",
			"sv": "Hur väl förstod och löste vår medarbetare ditt ärende?",
			"nb": "Hvor godt forsto og løste vår medarbeider saken din?",
			"pl": "Jak dobrze nasz konsultant zrozumiał i rozwiązał Twój problem?",
			"zh": "我们的客服是否很好地理解并解决了您的问题？",
		},
	},
	{
		"key": "use_social_again",
		"kind": "Rating 1-5",
		"label": "How likely are you to contact us on social media again?",
		"translations": {
			"de": "Wie wahrscheinlich ist es, dass Sie uns wieder über soziale Medien kontaktieren?",
			"sv": "Hur troligt är det att du kontaktar oss via sociala medier igen?",
			"nb": "Hvor sannsynlig er det at du kontakter oss via sosiale medier igjen?",
			"pl": "Jak bardzo prawdopodobne jest, że znów skontaktujesz się z nami przez media społecznościowe?",
			"zh": "您今后还会通过社交媒体联系我们吗？",
		},
	},
	{
		"key": "improve",
		"kind": "Text",
		"label": "What could we do better?",
		"translations": {
			"de": "Was könnten wir besser machen?",
			"sv": "Vad kan vi göra bättre?",
			"nb": "Hva kan vi gjøre bedre?",
			"pl": "Co moglibyśmy zrobić lepiej?",
			"zh": "我们有哪些地方可以做得更好？",
		},
	},
	{
		"key": "networks",
		"kind": "Multiple Choice",
		"options": "X\nFacebook\nInstagram\nWhatsApp\nTikTok\nLinkedIn",
		"label": "Which social networks do you use?",
		"translations": {
			"de": "Welche sozialen Netzwerke nutzen Sie?",
			"sv": "Vilka sociala nätverk använder du?",
			"nb": "Hvilke sosiale nettverk bruker du?",
			"pl": "Z których sieci społecznościowych korzystasz?",
			"zh": "您使用哪些社交网络？",
		},
	},
]

INTRO = {
	"en": "Thanks for talking to us. Two minutes, six questions.",
	"de": "Danke, dass Sie mit uns gesprochen haben. Zwei Minuten, sechs Fragen.",
	"sv": "Tack för att du hörde av dig. Två minuter, sex frågor.",
	"nb": "Takk for at du tok kontakt. To minutter, seks spørsmål.",
	"pl": "Dziękujemy za kontakt. Dwie minuty, sześć pytań.",
	"zh": "感谢您联系我们。只需两分钟，六个问题。",
}

INVITATION = {
	"en": "How did we do? Reply with a number from 1 to 5, or tell us more here: {link}",
	"de": "Wie war unser Service? Antworten Sie mit einer Zahl von 1 bis 5 oder erzählen Sie uns mehr: {link}",
	"sv": "Hur gick det? Svara med en siffra från 1 till 5, eller berätta mer här: {link}",
	"nb": "Hvordan gjorde vi det? Svar med et tall fra 1 til 5, eller fortell oss mer her: {link}",
	"pl": "Jak nam poszło? Odpowiedz liczbą od 1 do 5 albo napisz więcej tutaj: {link}",
	"zh": "我们的服务如何？请回复1到5的数字，或在这里告诉我们更多：{link}",
}

LANGUAGES = tuple(INVITATION)


def supported_language(code: str) -> str | None:
	"""'sv-SE' -> 'sv', 'no'/'nn' -> 'nb', 'zh-TW' -> 'zh'; None when the survey has no such language."""
	base = (code or "").strip().lower().replace("_", "-").split("-")[0]
	base = {"no": "nb", "nn": "nb"}.get(base, base)
	return base if base in LANGUAGES else None


PAGE_TEXT = {
	"en": {
		"title": "How did we do?",
		"submit": "Send",
		"thanks": "Thank you! Your answers help us get better.",
		"invalid": "This survey link is not valid.",
		"expired": "This survey has expired.",
		"used": "This survey has already been answered. Thank you!",
		"required": "required",
		"low": "not at all",
		"high": "very",
		"error": "Please check your answers.",
	},
	"de": {
		"title": "Wie war unser Service?",
		"submit": "Senden",
		"thanks": "Vielen Dank! Ihre Antworten helfen uns, besser zu werden.",
		"invalid": "Dieser Umfragelink ist ungültig.",
		"expired": "Diese Umfrage ist abgelaufen.",
		"used": "Diese Umfrage wurde bereits beantwortet. Danke!",
		"required": "Pflichtfeld",
		"low": "gar nicht",
		"high": "sehr",
		"error": "Bitte prüfen Sie Ihre Antworten.",
	},
	"sv": {
		"title": "Hur gick det?",
		"submit": "Skicka",
		"thanks": "Tack! Dina svar hjälper oss att bli bättre.",
		"invalid": "Länken till enkäten är inte giltig.",
		"expired": "Enkäten har gått ut.",
		"used": "Enkäten är redan besvarad. Tack!",
		"required": "obligatorisk",
		"low": "inte alls",
		"high": "mycket",
		"error": "Kontrollera dina svar.",
	},
	"nb": {
		"title": "Hvordan gjorde vi det?",
		"submit": "Send",
		"thanks": "Takk! Svarene dine hjelper oss å bli bedre.",
		"invalid": "Lenken til undersøkelsen er ikke gyldig.",
		"expired": "Undersøkelsen har utløpt.",
		"used": "Undersøkelsen er allerede besvart. Takk!",
		"required": "påkrevd",
		"low": "ikke i det hele tatt",
		"high": "svært",
		"error": "Sjekk svarene dine.",
	},
	"pl": {
		"title": "Jak nam poszło?",
		"submit": "Wyślij",
		"thanks": "Dziękujemy! Twoje odpowiedzi pomagają nam być lepszymi.",
		"invalid": "Ten link do ankiety jest nieprawidłowy.",
		"expired": "Ankieta wygasła.",
		"used": "Ankieta została już wypełniona. Dziękujemy!",
		"required": "wymagane",
		"low": "wcale",
		"high": "bardzo",
		"error": "Sprawdź swoje odpowiedzi.",
	},
	"zh": {
		"title": "我们的服务如何？",
		"submit": "提交",
		"thanks": "谢谢！您的回答帮助我们做得更好。",
		"invalid": "此问卷链接无效。",
		"expired": "此问卷已过期。",
		"used": "此问卷已填写。谢谢！",
		"required": "必填",
		"low": "完全不",
		"high": "非常",
		"error": "请检查您的回答。",
	},
}


def install_default_template() -> None:
	if frappe.db.exists("Social Survey Template", TEMPLATE_NAME):
		return  # an admin's edits are theirs
	frappe.get_doc(
		{
			"doctype": "Social Survey Template",
			"template_name": TEMPLATE_NAME,
			"is_default": 1,
			"intro": INTRO["en"],
			"intro_translations": json.dumps(
				{k: v for k, v in INTRO.items() if k != "en"}, ensure_ascii=False, indent=1
			),
			"questions": [
				{
					**{k: v for k, v in q.items() if k != "translations"},
					"translations": json.dumps(q["translations"], ensure_ascii=False, indent=1),
				}
				for q in QUESTIONS
			],
		}
	).insert(ignore_permissions=True)
