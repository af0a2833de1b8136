package board

import (
	"slices"
	"strings"
)

// currencies are the ISO 4217 codes of money in circulation that supply posts may price in,
// sorted for binary search. Taken from Debian's iso-codes 4.15 list, without the codes that are
// not money one pays a supplier with (precious metals, bond-market units, SDR, testing, XXX, the
// fund codes BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW) and those replaced since (HRK by EUR in
// 2023, CUC in 2021, SLL by SLE, ZWL by ZWG in 2024, ANG by XCG in 2025), with XCG and ZWG added.
//
// golang.org/x/text/currency was not used: its table still accepts withdrawn currencies (DEM,
// FRF) and lacks current ones (VES, SLE), and it reads codes case-insensitively. When ISO adds a
// currency, add it here (TestCurrencyList keeps the list well-formed).
var currencies = strings.Fields(`
AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD
BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN
ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD
IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD
OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP
SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD
UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG`)

// ValidCurrency reports whether code is one of the ISO 4217 currencies supply posts accept,
// written in upper case as the standard does ("KRW"; "krw" is refused rather than guessed, like
// country codes).
func ValidCurrency(code string) bool {
	_, found := slices.BinarySearch(currencies, code)
	return found
}

// Currencies returns the accepted codes in alphabetical order, for forms.
func Currencies() []string { return slices.Clone(currencies) }
